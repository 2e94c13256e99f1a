"""Home-page widget: tells the administrator (and the hub) which years still lack the
official holiday schedule, so deadlines in them are provisional."""

from zhitong.organizations.choices import Role


def home_context(request) -> dict:
    user = request.user
    if not (user.is_superuser or user.role in (Role.ADMIN, Role.HUB)):
        return {}
    from .services import missing_years

    missing = missing_years()
    if not missing:
        return {}
    return {"workdays_missing_years": missing, "home_widgets": ["workdays/_home_missing.html"]}
