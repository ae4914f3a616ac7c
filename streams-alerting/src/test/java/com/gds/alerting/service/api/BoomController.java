package com.gds.alerting.service.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;

import com.gds.alerting.service.auth.Rights;

/** Test only: a route that fails with an unexpected exception, to see what a 500 tells the client. */
@Controller("/api/v1/test-boom")
@Requires(property = BoomController.ENABLED, value = "true")
@Secured(Rights.READ)
public class BoomController {

    public static final String ENABLED = "test.boom";
    public static final String SECRET = "java.lang.IllegalStateException at com.gds.internal.Secret";

    @Get
    public String boom() {
        throw new IllegalStateException(SECRET);
    }
}
