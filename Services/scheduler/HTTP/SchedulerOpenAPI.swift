/// The scheduler's OpenAPI 3.1 document, served at `GET /openapi.json`.
enum SchedulerOpenAPI {
    static let document = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Orchestrator scheduler",
  "version": "1.0.0",
  "description": "The live assignment queue, the employees as the scheduler sees them, and an employee's availability."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/api/scheduler/queue": {
   "get": {
    "summary": "Waiting tasks in the order they will be assigned (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The queue",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "total"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "taskId",
             "name",
             "priority",
             "effectivePriority",
             "requiredSkills",
             "createdAt",
             "waitingSeconds",
             "version",
             "waitingFor"
            ],
            "properties": {
             "taskId": {
              "type": "string",
              "format": "uuid"
             },
             "name": {
              "type": "string"
             },
             "priority": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5
             },
             "effectivePriority": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5
             },
             "requiredSkills": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "createdAt": {
              "type": "string",
              "format": "date-time"
             },
             "waitingSeconds": {
              "type": "number",
              "minimum": 0
             },
             "notBefore": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "avoidEmployeeId": {
              "type": [
               "string",
               "null"
              ],
              "format": "uuid"
             },
             "version": {
              "type": "integer"
             },
             "waitingFor": {
              "type": "object",
              "required": [
               "code",
               "text"
              ],
              "description": "Why it has not been offered yet",
              "properties": {
               "code": {
                "type": "string",
                "enum": [
                 "retry_wait",
                 "no_skill",
                 "nobody_online",
                 "everyone_away",
                 "everyone_full",
                 "declined_hold",
                 "next"
                ]
               },
               "text": {
                "type": "string"
               }
              }
             }
            }
           }
          },
          "total": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/scheduler/employees": {
   "get": {
    "summary": "Every employee with presence, availability, load, capacity, skills and idle time (admin)",
    "security": [
     {
      "bearer": []
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
            "$ref": "#/components/schemas/Employee"
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
     }
    }
   }
  },
  "/api/scheduler/me": {
   "get": {
    "summary": "The caller as the scheduler sees them: presence, availability, load, capacity, skills (employee)",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The caller",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Employee"
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
     "404": {
      "description": "The scheduler has not heard of this account yet",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/scheduler/me/availability": {
   "put": {
    "summary": "Set the caller's availability (employee)",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "availability"
        ],
        "properties": {
         "availability": {
          "type": "string",
          "enum": [
           "AVAILABLE",
           "AWAY"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The availability now, and whether it changed",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "employeeId",
          "availability",
          "changed"
         ],
         "properties": {
          "employeeId": {
           "type": "string",
           "format": "uuid"
          },
          "availability": {
           "type": "string",
           "enum": [
            "AVAILABLE",
            "AWAY"
           ]
          },
          "changed": {
           "type": "boolean"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Malformed"
     },
     "413": {
      "$ref": "#/components/responses/TooLarge"
     },
     "422": {
      "$ref": "#/components/responses/Invalid"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
  "schemas": {
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
   "Employee": {
    "type": "object",
    "required": [
     "id",
     "username",
     "fullName",
     "active",
     "online",
     "availability",
     "load",
     "capacity",
     "skills"
    ],
    "properties": {
     "id": {
      "type": "string",
      "format": "uuid"
     },
     "username": {
      "type": "string"
     },
     "fullName": {
      "type": "string"
     },
     "active": {
      "type": "boolean"
     },
     "online": {
      "type": "boolean"
     },
     "availability": {
      "type": "string",
      "enum": [
       "AVAILABLE",
       "AWAY"
      ]
     },
     "load": {
      "type": "integer",
      "minimum": 0
     },
     "capacity": {
      "type": "integer",
      "minimum": 0
     },
     "skills": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "idleSince": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "offlineSince": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "availabilityReason": {
      "type": [
       "string",
       "null"
      ],
      "description": "Why the availability last changed: employee (they set it), reservation_expired (an offer went unanswered), work_requested, …"
     }
    }
   }
  },
  "responses": {
   "Invalid": {
    "description": "A value is missing or out of range; the message names it",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
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
    "description": "Not allowed for this role",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Malformed": {
    "description": "The body is not JSON",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "TooLarge": {
    "description": "The body is larger than 64 KiB",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  }
 }
}
"""#
}
