"""The pure clinical core: scoring, dosing, rules, alerts and outcomes.

Nothing here imports Django or any other kapcare package (an import-linter
contract enforces it), so every function can be tested with plain values.
"""
