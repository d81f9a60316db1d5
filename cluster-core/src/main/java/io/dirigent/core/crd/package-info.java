/**
 * CustomResourceDefinitions: the definition's own defaults, validation and status
 * ({@link io.dirigent.core.crd.DefinitionAdmission}), the resource type an established definition
 * serves and the member registry kept in step with the definitions
 * ({@link io.dirigent.core.crd.CustomResources}, {@link io.dirigent.core.crd.CustomResourceWatcher}),
 * and what happens to a custom object on its way to the store ({@link io.dirigent.core.crd.CustomObjects}).
 * Its schemas are {@code schema}'s, its printer columns' paths {@code jsonpath}'s.
 */
package io.dirigent.core.crd;
