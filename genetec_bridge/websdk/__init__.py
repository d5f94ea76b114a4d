"""Client of the Genetec Security Center Web SDK (HTTP, `text/json` envelope, legacy XML tolerated)."""
