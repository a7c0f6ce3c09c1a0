## Area: twin (docs/twin-design.md)
