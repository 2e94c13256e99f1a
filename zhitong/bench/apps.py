from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`zhitong generate` and `zhitong bench` (docs/performance.md). No models."""

    name = "zhitong.bench"
    label = "bench"
    verbose_name = "Benchmarks"
