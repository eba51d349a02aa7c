"""The police's hukou change feed (issue 12 item 6): ``importer`` reads and matches a change list and records
hints; ``hints`` lets the village clerk review them and confirm a proposed loss by death (H-01, H-02, H-06)."""
