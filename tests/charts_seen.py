"""What an AppTest chart element draws: its Vega-Lite spec and, for the data Streamlit ships beside the spec as
Arrow tables, the rows."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa


def chart_rows(chart: Any) -> pd.DataFrame:
    """Every row of every dataset of an AppTest ``vega_lite_chart`` element, stacked."""
    blobs = [dataset.data.data for dataset in chart.proto.datasets]
    if chart.proto.data.data:
        blobs.append(chart.proto.data.data)
    frames = [pa.ipc.open_stream(blob).read_all().to_pandas() for blob in blobs]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
