//! Intermediate examples that sit between the modules.
