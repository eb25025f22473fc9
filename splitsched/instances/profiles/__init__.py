"""DNN profiles in physical units, hardware presets, and scenarios built from them."""
