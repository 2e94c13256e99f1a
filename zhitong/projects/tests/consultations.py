"""A test helper for every part whose tests sign a project: the stage table refuses `sign`
until an admission consultation concluded 同意 (seeds/002 准入落地会商, dispatch/guards.py)."""

from datetime import date

from zhitong.projects.dispatch.models import AdmissionConsultation, ConsultationConclusion


def agreed_consultation(project, recorded_by, *, held_on: date = date(2020, 1, 2)) -> AdmissionConsultation:
    """An agreed consultation of `project`, written directly (the service is tested in
    test_dispatch_consultation.py)."""
    return AdmissionConsultation.objects.create(
        project=project,
        held_on=held_on,
        participants="市发展改革委、市自然资源和规划局、园区管委会",
        fits_city_plan=True,
        fits_park_positioning=True,
        fits_industry_policy=True,
        conclusion=ConsultationConclusion.AGREE,
        opinion="符合城市发展规划、园区产业定位和产业政策，同意落地。",
        recorded_by=recorded_by,
    )
