"""The Streamlit app's parts: the worker pool and run cache, the sidebar, and the views. No model logic."""
