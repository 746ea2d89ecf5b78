"""Plotly figures drawn from analysis results, with one palette and the figure store."""
