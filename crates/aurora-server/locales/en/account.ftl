## Area: account (docs/twin-design.md)
