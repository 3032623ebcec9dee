"""Outputs: pure functions from event logs to tidy tables, and the files, charts and reports made from them.

``metrics`` (the summary and weekly tables), ``files`` (result folders, written atomically), ``charts`` (every Altair
chart, shared by the app and the reports), ``report`` (self-contained HTML) and ``story`` (one replication told
week by week, for trainers).
"""
