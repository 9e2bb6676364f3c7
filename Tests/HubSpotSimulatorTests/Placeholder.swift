// Placeholder so the target builds before its tests land; delete when adding the first real test file.
