"""Problem pools: record schema, loaders, presets, the built-in generator, knowledge clustering."""
