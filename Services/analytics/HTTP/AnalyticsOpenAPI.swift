/// The analytics service's OpenAPI 3.1 document, served at `GET /openapi.json`.
enum AnalyticsOpenAPI {
    static let document = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Orchestrator analytics",
  "version": "1.0.0",
  "description": "Operational figures and employee performance, built from events."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/api/analytics/overview": {
   "get": {
    "summary": "The operational overview over a window (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Window"
     }
    ],
    "responses": {
     "200": {
      "description": "The overview",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "window",
          "generatedAt",
          "tasksByStatus",
          "openTasksByPriority",
          "perMinute",
          "waitTime",
          "acceptanceTime",
          "handlingTime",
          "overdueTasks",
          "retries",
          "fairness"
         ],
         "properties": {
          "window": {
           "type": "string"
          },
          "generatedAt": {
           "type": "string",
           "format": "date-time"
          },
          "tasksByStatus": {
           "type": "object",
           "additionalProperties": {
            "type": "integer",
            "minimum": 0
           }
          },
          "openTasksByPriority": {
           "type": "object",
           "additionalProperties": {
            "type": "integer",
            "minimum": 0
           }
          },
          "perMinute": {
           "type": "object",
           "required": [
            "created",
            "completed",
            "failed"
           ],
           "properties": {
            "created": {
             "type": "number",
             "minimum": 0
            },
            "completed": {
             "type": "number",
             "minimum": 0
            },
            "failed": {
             "type": "number",
             "minimum": 0
            }
           }
          },
          "waitTime": {
           "$ref": "#/components/schemas/DurationStats"
          },
          "acceptanceTime": {
           "$ref": "#/components/schemas/DurationStats"
          },
          "handlingTime": {
           "$ref": "#/components/schemas/DurationStats"
          },
          "longestWaiting": {
           "type": [
            "object",
            "null"
           ],
           "required": [
            "taskId",
            "createdAt",
            "waitingSeconds"
           ],
           "properties": {
            "taskId": {
             "type": "string",
             "format": "uuid"
            },
            "priority": {
             "type": [
              "integer",
              "null"
             ]
            },
            "createdAt": {
             "type": "string",
             "format": "date-time"
            },
            "waitingSeconds": {
             "type": "number"
            }
           }
          },
          "overdueTasks": {
           "type": "integer",
           "minimum": 0
          },
          "retries": {
           "type": "integer",
           "minimum": 0
          },
          "fairness": {
           "type": "object",
           "required": [
            "jainIndex",
            "employees"
           ],
           "properties": {
            "jainIndex": {
             "type": "number",
             "minimum": 0,
             "maximum": 1
            },
            "employees": {
             "type": "integer",
             "minimum": 0
            }
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     }
    }
   }
  },
  "/api/analytics/employees": {
   "get": {
    "summary": "Every employee's figures over a window (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Window"
     }
    ],
    "responses": {
     "200": {
      "description": "The employees",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/EmployeeFigures"
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     }
    }
   }
  },
  "/api/analytics/employees/{id}": {
   "get": {
    "summary": "One employee's figures (admin, or the employee themself)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "$ref": "#/components/parameters/Window"
     }
    ],
    "responses": {
     "200": {
      "description": "The employee's figures",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EmployeeFigures"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Malformed"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     }
    }
   }
  },
  "/api/analytics/timeseries": {
   "get": {
    "summary": "Per-minute buckets of one metric over a window (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "metric",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string",
       "enum": [
        "throughput",
        "created",
        "failed",
        "wait",
        "handling"
       ]
      }
     },
     {
      "$ref": "#/components/parameters/Window"
     }
    ],
    "responses": {
     "200": {
      "description": "The buckets, oldest first; minutes without events are left out",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "metric",
          "window",
          "buckets"
         ],
         "properties": {
          "metric": {
           "type": "string"
          },
          "window": {
           "type": "string"
          },
          "buckets": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "minute",
             "count"
            ],
            "properties": {
             "minute": {
              "type": "string",
              "format": "date-time"
             },
             "count": {
              "type": "integer",
              "minimum": 0
             },
             "meanMs": {
              "type": [
               "number",
               "null"
              ]
             },
             "p50Ms": {
              "type": [
               "number",
               "null"
              ]
             },
             "p90Ms": {
              "type": [
               "number",
               "null"
              ]
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT"
   }
  },
  "responses": {
   "Unauthorized": {
    "description": "No token, or a bad or expired one",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Forbidden": {
    "description": "Not allowed for this caller",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Malformed": {
    "description": "A path parameter is malformed",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "No such employee",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Invalid": {
    "description": "A query parameter is missing or out of range; the message names it",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "DurationStats": {
    "type": "object",
    "required": [
     "count"
    ],
    "properties": {
     "count": {
      "type": "integer",
      "minimum": 0
     },
     "meanMs": {
      "type": [
       "number",
       "null"
      ]
     },
     "p50Ms": {
      "type": [
       "number",
       "null"
      ]
     },
     "p90Ms": {
      "type": [
       "number",
       "null"
      ]
     },
     "p99Ms": {
      "type": [
       "number",
       "null"
      ]
     }
    }
   },
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "type": "object",
      "required": [
       "code",
       "message"
      ],
      "properties": {
       "code": {
        "type": "string"
       },
       "message": {
        "type": "string"
       }
      }
     }
    }
   },
   "EmployeeFigures": {
    "type": "object",
    "required": [
     "employeeId",
     "username",
     "window",
     "assigned",
     "completed",
     "failed",
     "handlingTime",
     "currentLoad",
     "capacity",
     "utilisation"
    ],
    "properties": {
     "employeeId": {
      "type": "string",
      "format": "uuid"
     },
     "username": {
      "type": "string"
     },
     "window": {
      "type": "string"
     },
     "assigned": {
      "type": "integer",
      "minimum": 0
     },
     "completed": {
      "type": "integer",
      "minimum": 0
     },
     "failed": {
      "type": "integer",
      "minimum": 0
     },
     "successRate": {
      "type": [
       "number",
       "null"
      ],
      "minimum": 0,
      "maximum": 1
     },
     "handlingTime": {
      "$ref": "#/components/schemas/DurationStats"
     },
     "currentLoad": {
      "type": "integer",
      "minimum": 0
     },
     "capacity": {
      "type": "integer",
      "minimum": 0
     },
     "utilisation": {
      "type": "number",
      "minimum": 0,
      "maximum": 1
     }
    }
   }
  },
  "parameters": {
   "Window": {
    "name": "window",
    "in": "query",
    "description": "how far back: 1m up to the retention (24h by default), such as 15m, 1h, 24h; default 1h",
    "schema": {
     "type": "string",
     "pattern": "^[0-9.]+(ms|s|m|h)$"
    }
   }
  }
 }
}
"""#
}
