// Placeholder: replaced by the module's real files.
