package com.helix.migrations.support;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Invocations of one handler in a JVM of their own, as a Lambda container runs them: the no-arg
 * constructor (configuration from the environment), then each event with its request id. Prints each
 * result, or the error type and message, on a line starting {@code RESULT }.
 * Usage: {@code ColdInvocation HANDLER_CLASS REQUEST_ID EVENT [REQUEST_ID EVENT …]}.
 */
public final class ColdInvocation {
    private ColdInvocation() {}

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = Class.forName(args[0])
                .asSubclass(RequestStreamHandler.class)
                .getConstructor()
                .newInstance();
        for (int i = 1; i + 1 < args.length; i += 2) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(
                        new ByteArrayInputStream(args[i + 1].getBytes(StandardCharsets.UTF_8)), out, context(args[i]));
                System.out.println("RESULT " + out.toString(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                System.out.println("RESULT " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }

    private static Context context(String requestId) {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return requestId;
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/helix-migrate-database";
            }

            @Override
            public String getLogStreamName() {
                return "2026/11/25/[$LATEST]test";
            }

            @Override
            public String getFunctionName() {
                return "helix-migrate-database";
            }

            @Override
            public String getFunctionVersion() {
                return "1";
            }

            @Override
            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:eu-west-2:123456789012:function:helix-migrate-database:live";
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 900_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 1024;
            }

            @Override
            public LambdaLogger getLogger() {
                return LambdaRuntime.getLogger();
            }
        };
    }
}
