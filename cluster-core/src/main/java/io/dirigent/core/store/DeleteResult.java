package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The result of a delete: the final version, or the marked one if something still holds it. */
public record DeleteResult(ObjectNode object, boolean deleted) {}
