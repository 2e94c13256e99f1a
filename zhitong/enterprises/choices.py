from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("制造业")
    IT = "it", _("信息技术")
    SERVICES = "services", _("服务业")
    TRADE = "trade", _("商贸流通")
    CONSTRUCTION = "construction", _("建筑业")
    REAL_ESTATE = "real_estate", _("房地产")
    AGRICULTURE = "agriculture", _("农业")
    ENERGY = "energy", _("能源")
    LOGISTICS = "logistics", _("交通物流")
    FINANCE = "finance", _("金融")
    OTHER = "other", _("其他")


# Industries whose operations questions go to 工信局 (seeds/000 一(一)).
INDUSTRIAL = {Industry.MANUFACTURING, Industry.IT, Industry.ENERGY}


class TeamRole(models.TextChoices):
    """The "1+1+N" service model (seeds/002): one butler, one enterprise contact,
    N department contacts."""

    BUTLER = "butler", _("项目管家")
    ENTERPRISE_CONTACT = "enterprise_contact", _("企业联系人")
    DEPARTMENT_CONTACT = "department_contact", _("职能部门联系人")
    SECRETARY = "secretary", _("项目秘书")


class ReviewStatus(models.TextChoices):
    """Whether the library's keepers have checked an enterprise's record (issue 9). Imported
    and keeper-entered enterprises are checked when entered; one added at intake by the
    person registering its appeal waits for a keeper (the ENTERPRISE table, machine.py)."""

    PENDING = "pending", _("待核实")
    CONFIRMED = "confirmed", _("已核实")
