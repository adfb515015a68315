"""The PySide6 interface. Widgets call core operations; they never touch a Session or SQL."""
