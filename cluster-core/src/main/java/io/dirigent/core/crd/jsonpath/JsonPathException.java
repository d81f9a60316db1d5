package io.dirigent.core.crd.jsonpath;

/**
 * A JSONPath template that cannot be parsed, or cannot be evaluated on an object, with client-go's
 * wording ({@code unclosed action}, {@code invalid array index x}, {@code a is not found}, ...).
 * Checked, so that no caller forgets that a path written by a user can be wrong.
 */
public final class JsonPathException extends Exception {

  public JsonPathException(String message) {
    super(message);
  }
}
