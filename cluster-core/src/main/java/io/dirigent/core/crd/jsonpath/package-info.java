/**
 * client-go's JSONPath ({@code k8s.io/client-go/util/jsonpath}) as the API server evaluates a
 * custom resource's printer columns with it: the parser, the evaluator with its bounds on path
 * length and results, and how Go prints the values it finds.
 */
package io.dirigent.core.crd.jsonpath;
