"""Evaluation against ground truth: alignment, metrics, loaders, report, ``scanclean eval``."""
