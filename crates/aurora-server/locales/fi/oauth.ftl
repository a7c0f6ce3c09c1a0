## Area: oauth (docs/twin-design.md)
