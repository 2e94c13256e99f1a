"""The official schedules shipped in the `chinesecalendar` package, as calendar rows.

Used by the data migration (with historical models) and by `calendar_seed_from_package`,
so it depends on nothing but the package itself.
"""

from datetime import date

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_years() -> list[int]:
    """Years the installed package covers (every year with at least one holiday)."""
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays})


def package_rows(years=None) -> tuple[list[int], list[tuple[date, str, str]]]:
    """(years covered, [(date, kind, Chinese name)]) for the requested years (default: all).

    Holidays are kept as the package lists them, weekend days inside a holiday span
    included, so the calendar page shows the whole span; only adjusted working days
    (调休上班) on weekends turn a weekend into a working day. Years the package does not
    cover are left out of the first list.
    """
    from chinese_calendar import constants

    covered = package_years()
    wanted = covered if years is None else sorted(set(years) & set(covered))
    rows = []
    for source, kind in ((constants.holidays, "holiday"), (constants.workdays, "workday")):
        for d, name in source.items():
            if d.year in wanted:
                rows.append((d, kind, NAMES_ZH.get(name, name)[:50]))
    rows.sort()
    return wanted, rows
