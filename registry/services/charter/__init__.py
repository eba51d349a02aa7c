"""The collective's charter settings (DOMAIN §8): :func:`settings_for` reads the settings in force on a day,
:func:`update_settings` changes them (audited, citing the charter article)."""
from registry.services.charter.settings import CharterSettingsView, settings_for, update_settings

__all__ = ["CharterSettingsView", "settings_for", "update_settings"]
