from django.db import models


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", "制造业"
    IT = "it", "信息技术"
    SERVICES = "services", "服务业"
    TRADE = "trade", "商贸流通"
    CONSTRUCTION = "construction", "建筑业"
    REAL_ESTATE = "real_estate", "房地产"
    AGRICULTURE = "agriculture", "农业"
    ENERGY = "energy", "能源"
    LOGISTICS = "logistics", "交通物流"
    FINANCE = "finance", "金融"
    OTHER = "other", "其他"


# Industries whose operations questions go to 工信局 (seeds/000 一(一)).
INDUSTRIAL = {Industry.MANUFACTURING, Industry.IT, Industry.ENERGY}


class TeamRole(models.TextChoices):
    """The "1+1+N" service model (seeds/002): one butler, one enterprise contact,
    N department contacts."""

    BUTLER = "butler", "项目管家"
    ENTERPRISE_CONTACT = "enterprise_contact", "企业联系人"
    DEPARTMENT_CONTACT = "department_contact", "职能部门联系人"
    SECRETARY = "secretary", "项目秘书"


class ReviewStatus(models.TextChoices):
    """Whether the library's keepers have checked an enterprise's record (issue 9). Imported
    and keeper-entered enterprises are checked when entered; one added at intake by the
    person registering its appeal waits for a keeper (the ENTERPRISE table, machine.py)."""

    PENDING = "pending", "待核实"
    CONFIRMED = "confirmed", "已核实"
