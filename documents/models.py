"""The approved forms' PDFs as issued: rendered once, stored, and served from storage after."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RenderedDocument(models.Model):
    form = models.OneToOneField(
        "approvals.Form",
        verbose_name=_("表单"),
        on_delete=models.PROTECT,
        related_name="rendered_document",
    )
    file = models.FileField(_("文件"), upload_to="documents/%Y/%m/")
    # SHA-256 of the PDF bytes as stored: a holder of the file can check it on the verify page.
    sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    # The form data hash printed in the footer (Form.approved_data_hash at rendering time).
    data_hash = models.CharField(_("内容摘要"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    rendered_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("表单 PDF")
        verbose_name_plural = _("表单 PDF")

    def __str__(self):
        return f"{self.form_id} {self.sha256[:12]}"
