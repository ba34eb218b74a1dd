"""Agencies (หน่วยงาน), their units and who belongs to them with which role."""
