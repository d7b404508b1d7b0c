"""The only streamlit code outside app.py and pages/: widgets, caching, the shared sidebar."""
