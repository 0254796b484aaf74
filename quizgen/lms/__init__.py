"""Files a learning platform imports (Moodle XML, GIFT, Canvas QTI, CSV): one module per format."""
