"""Figures of the papers, drawn from metrics tables only."""
