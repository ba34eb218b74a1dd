"""The ITA catalogue (fiscal years, frameworks, indicators, items, analysis areas) and scores."""
