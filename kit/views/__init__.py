"""What a notebook, the report and the pages show, as HTML made through the kit's autoescaped
templates.
"""
