"""Privacy and accountability: retention of every store, the documents the city files (processing
register, impact-assessment data sheets, public notices), breach inventories and end of contract."""
