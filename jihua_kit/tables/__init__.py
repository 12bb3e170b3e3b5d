"""Input tables: household cases and household tables, audit findings and unit tables, county files."""
