"""Text as people type or paste it, made fit to store once, on the way in, for every form and
every import: Unicode NFC, no control characters (a NUL or an ESC stored in a name would break
the Excel export for everyone who sees the record), no surrounding blanks. A multi-line field
keeps its tabs and line breaks, with Windows line ends made plain."""
import re
import unicodedata

# C0 controls, DEL and C1 controls; tab and line feed are kept where a text area allows them.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROLS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value, *, multiline: bool = False):
    """``value`` normalised; anything not a str (None, a number) passes unchanged."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    else:
        value = CONTROLS_ONE_LINE.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return value.strip()
