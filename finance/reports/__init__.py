"""The monthly cost report [§4]: figures (data), spreadsheet (xlsx), PDF (pdf), and the
service that generates, stores and mails it (services)."""
