"""Requester names and phones as lists, exports and printouts show them: masked (张*, 138****1234).
The full values are shown on the case page only, to its handlers and the county, after a click
that the audit log records (``services.reveal``)."""


def mask_name(name: str) -> str:
    """张* , 欧** : the surname's first character and a star for each other one; 匿名 when empty."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """138****1234, 0356****0000: the first three (or the area code) and the last four digits."""
    phone = (phone or "").strip()
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(phone)
    head = phone.split("-", 1)[0] if "-" in phone and len(phone.split("-", 1)[0]) <= 4 else "".join(digits[:3])
    return f"{head}****{''.join(digits[-4:])}"
