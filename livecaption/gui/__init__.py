"""The PySide6 desktop app: adapts engine events to signals and widgets."""
