from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt

from .models import DayKind

CLEAR = "clear"


class DayForm(zt.Form):
    date = zt.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("设置为"),
        choices=[*DayKind.choices, (CLEAR, _("恢复为普通日（删除设置）"))],
    )
    name = forms.CharField(label=_("名称"), max_length=50, required=False, help_text=_("如：春节、国庆节"))


class ImportForm(zt.Form):
    file = forms.FileField(
        label=_("CSV 文件"), help_text=_("每行：日期,类型,名称；类型为 holiday（休）或 workday（班）")
    )
    merge = forms.BooleanField(
        label=_("合并（保留该年度已有的其他设置）"),
        required=False,
        help_text=_("不勾选时，文件中出现的年度将整体替换为文件内容"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        zt.check_upload_size(upload)
        return upload
