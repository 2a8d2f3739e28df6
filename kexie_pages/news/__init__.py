"""The news section: articles, their categories, feeds, QR codes and links."""
