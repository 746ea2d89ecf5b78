"""Static exports of a run: report.html and report.pdf, gallery.html, cards.pdf, and printing."""
