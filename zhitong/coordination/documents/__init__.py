"""Documents the coordination app produces: 《企业诉求事项处理意见》 (.docx, seeds/001 四(六))
and the Annex 2 / Annex 3 tables of seeds/000 (.xlsx)."""
