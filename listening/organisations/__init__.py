"""The shared noun Organisation (model, form, operations), below every feature."""
