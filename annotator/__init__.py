"""Annotator: annotate text corpora with categories, exchange exports, measure agreement."""

__version__ = "0.1.0"

# The reverse-DNS application id: the name of the .desktop file, the AppStream component and the
# icon (resources/desktop, resources/icons), and the Wayland app id the GUI sets.
APP_ID = "org.annotator.Annotator"
