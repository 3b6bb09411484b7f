"""What is measured, and the targets it must meet.

A page is data: ``name``, ``path`` (``{placeholders}`` name ids from the seeded world's
landmarks, see bench/world.py and bench/inspections.py) and ``user``, the role it is requested
as; ``server: "bare"`` sends it to the bare reference app instead (no login there); ``paper``
marks a PDF, whose size is held to the printed sheet's budget, not a page's. A new page is one
more line.

The supervisor is the benchmark county's (bench/world.py), the clerk one of its townships', the
viewer its city's; the administrator's region is the province, so admin pages see everything.
"""
PAGES = [
    {"name": "home", "path": "/", "user": "clerk"},
    {"name": "regions", "path": "/regions", "user": "admin"},
    {"name": "regions-county", "path": "/regions?parent={county_id}", "user": "admin"},
    {"name": "regions-search", "path": "/regions?q=镇", "user": "admin"},
    {"name": "regions-supervisor", "path": "/regions", "user": "supervisor"},
    {"name": "users", "path": "/users", "user": "admin"},
    {"name": "audit", "path": "/audit", "user": "admin"},
    # The organisation registry (体育社会组织): a county's, a township's, a search, the province's.
    {"name": "organizations", "path": "/organizations", "user": "supervisor"},
    {"name": "organizations-clerk", "path": "/organizations", "user": "clerk"},
    {"name": "organizations-search", "path": "/organizations?q={township_name}", "user": "supervisor"},
    {"name": "organizations-admin", "path": "/organizations", "user": "admin"},
    # Inspections against 四有 and their rectifications (整改).
    {"name": "inspections", "path": "/inspections", "user": "supervisor"},
    {"name": "inspection", "path": "/inspections/{inspection_id}", "user": "supervisor"},
    {"name": "rectifications", "path": "/rectifications", "user": "supervisor"},
    # 赛事活动: the county's ledger of activities.
    {"name": "activities", "path": "/activities", "user": "supervisor"},
    # 达标覆盖: the county board (townships × items), the city's and the province's summaries.
    {"name": "coverage-county", "path": "/coverage?region={county_id}", "user": "supervisor"},
    {"name": "coverage-city", "path": "/coverage", "user": "viewer"},
    {"name": "coverage-province", "path": "/coverage", "user": "admin"},
    # 年度统计: the county's year (every figure counted in SQL), and the city's.
    {"name": "statistics", "path": "/statistics?period=2026", "user": "supervisor"},
    {"name": "statistics-city", "path": "/statistics?period=2026", "user": "viewer"},
    # 考核指标: the county's year per handling unit and month, the city's per county.
    {"name": "kpis", "path": "/kpis?period=2026", "user": "supervisor"},
    {"name": "kpis-city", "path": "/kpis?period=2026", "user": "viewer"},
    # 诉求件: the county's ledger (200,000 cases in the province), a township's, a search, a case,
    # the supervisor's 我的待办 with cases waiting, a month's Excel export.
    {"name": "cases", "path": "/cases", "user": "supervisor"},
    {"name": "cases-clerk", "path": "/cases", "user": "clerk"},
    {"name": "cases-search", "path": "/cases?q=健身器材", "user": "supervisor"},
    {"name": "case", "path": "/cases/{case_id}", "user": "supervisor"},
    {"name": "home-supervisor", "path": "/", "user": "supervisor"},
    {"name": "cases-export", "path": "/cases.xlsx?month={case_month}", "user": "supervisor"},
    # The month's ledger as landscape A4 (WeasyPrint): paper, held to the sheet's size budget.
    {"name": "cases-ledger-pdf", "path": "/cases/ledger.pdf?month={case_month}", "user": "supervisor",
     "paper": True},
    {"name": "bare", "path": "/audit?region={township_id}", "user": None, "server": "bare"},
    {"name": "bare-regions", "path": "/regions?region={province_id}", "user": None, "server": "bare"},
    # The county's 50 newest inspections with organisation and township names: the inspection
    # list's query by hand, for what the data cost; the ratio base stays "bare".
    {"name": "bare-inspections", "path": "/inspections?region={county_id}", "user": None, "server": "bare"},
]
BARE_REFERENCE = "bare"  # every ratio_to_bare divides by this page's p95

# Targets from the issue. KB = 1024 bytes.
MAX_RATIO_TO_BARE = 1.5
MAX_FIRST_VISIT_BYTES = 40 * 1024
MAX_PAGE_GZIP_BYTES = 15 * 1024
MAX_SHEET_MS = 350  # one audit sheet, warm
MAX_SHEET_BYTES = 200 * 1024
MAX_BATCH_RATIO = 1.0  # a 100-sheet batch against headless Chromium printing the same HTML
MAX_FIRST_PRINT_RATIO = 1.5  # the first sheet a fresh server prints against the next ones
