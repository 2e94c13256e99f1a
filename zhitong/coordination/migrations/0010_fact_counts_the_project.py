"""seeds/000 五(二)2: a project problem is the project's at the meeting, whichever
enterprises raised it. A project fact names the project's owner as its enterprise (it named
the enterprise of its appeals, which split one project into two facts when they differed);
and a check that a project problem has its project, so the unique key on (meeting, unit,
project) always holds. The constraint is added before the rows are updated: PostgreSQL
refuses to alter a table with deferred foreign-key checks pending."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def name_the_owner(apps, schema_editor):
    Fact = apps.get_model("coordination", "CoordinationFact")
    Project = apps.get_model("projects", "Project")
    owner = Project.objects.filter(pk=OuterRef("project_id")).values("owner_id")[:1]
    Fact.objects.filter(counted_as="project_problem").update(enterprise_id=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0009_event_catalog_late"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="coordinationfact",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("counted_as", "project_problem"), ("project__isnull", False)),
                    models.Q(("counted_as", "enterprise_problem"), ("project__isnull", True)),
                    _connector="OR",
                ),
                name="fact_project_iff_project_problem",
            ),
        ),
        migrations.RunPython(name_the_owner, migrations.RunPython.noop),
    ]
