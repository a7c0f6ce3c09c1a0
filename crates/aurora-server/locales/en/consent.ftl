## Area: consent (docs/twin-design.md)
