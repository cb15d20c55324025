"""unmentoring."""
