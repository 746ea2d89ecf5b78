"""The Voila pages (overview, gallery, negative room), their widgets, and how the server runs them."""
